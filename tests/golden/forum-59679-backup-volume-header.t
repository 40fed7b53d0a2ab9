# The readable text at the start of every backup volume: which backup, of which database
# source: FORUM-59679 (11.7.5; semantics.md §1.6)
# quote:
#   volume 1 of backup taken Fri Sep 27 17:23:36 2019 for OPENEDGE database:
#   C:\_rd\local\sports2000\sports2000.db
#   incremental backup 1, taken after full backup of Fri Sep 27 17:23:36 2019      (incremental only)
# differs: nothing; the rest of a volume (its blocks) is not text, hence `...`

file sports2000.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports2000 sports2000.st
$ procopy empty sports2000
$ oeclient sports2000 commit --count 2
$ probkup sports2000 full.bck
$ oeclient sports2000 commit --count 2
$ probkup sports2000 incremental incr1.bck
read full.bck
| volume 1 of backup taken Fri Sep 27 17:23:36 2019 for OPENEDGE database:
| C:\_rd\local\sports2000\sports2000.db
| ...
read incr1.bck
| volume 1 of backup taken Fri Sep 27 17:23:36 2019 for OPENEDGE database:
| C:\_rd\local\sports2000\sports2000.db
| incremental backup 1, taken after full backup of Fri Sep 27 17:23:36 2019
| ...

# An incremental backup restored out of order (its predecessor skipped): refused
# source: FORUM-59679 (11.7.5 incremental restore out of sequence; semantics.md §3.6, §6.6 F16)
# quote:
#   Incremental restore out of sequence on restoredDb
#   WARNING:  Applying this incremental backup could damage your database. (6774)
# differs: nothing (the restored database is named restoredDb, as in the quote)

file sports2000.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports2000 sports2000.st
$ procopy empty sports2000
$ oeclient sports2000 commit --count 2
$ probkup sports2000 full.bck
$ oeclient sports2000 commit --count 2
$ probkup sports2000 incremental incr1.bck
$ oeclient sports2000 commit --count 2
$ probkup sports2000 incremental incr2.bck
copy full.bck incr1.bck incr2.bck > dr

host dr
$ prorest restoredDb full.bck
$ prorest restoredDb incr2.bck
| Incremental restore out of sequence on restoredDb
| WARNING:  Applying this incremental backup could damage your database. (6774)
[exit 1]

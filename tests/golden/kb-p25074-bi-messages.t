# The BI after a crash: crash recovery truncates it (1526); an offline backup of an untruncated BI warns (851)
# source: KB-P25074 (BI truncation messages), semantics.md §1.3
# quote:
#   The BI file is being automatically truncated. (1526)
#   ** You should run TRUNCATE BI utility before backing up your database (851)
# differs: nothing; each is one line of a longer output (`...`)

file sports.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports
$ oeclient sports commit --count 2
$ probkup sports before.bck
| ...
| ** You should run TRUNCATE BI utility before backing up your database (851)
| ...
$ proserve sports
$ oeclient sports commit --count 2
$ proshut sports -byF
$ proutil sports -C truncate bi
| The BI file is being automatically truncated. (1526)
| ...

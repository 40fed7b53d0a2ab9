# A database whose control area names an extent that is not there (prostrct repair not run after a copy)
# source: semantics.md §6.6 F7 and §3.8 (KB-P23580; 43 and 1990 [confirmed])
# quote:
#   ** Cannot find or open file <path>, errno = 2. (43)
#   WARNING: Database is damaged, missing extent file <path>. (1990)
# differs: nothing

file sports.st
| b .
| d "Schema Area":6,32;1 .
| d "Data":7,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports
remove sports_7.d1
$ proutil sports -C truncate bi
| ** Cannot find or open file /db/sports_7.d1, errno = 2. (43)
| WARNING: Database is damaged, missing extent file /db/sports_7.d1. (1990)
[exit 1]

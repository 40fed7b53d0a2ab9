# A request that needs the broker when the database is not served: 1423 (proquiet's return code 16)
# source: PROTOP and DOC (1423, semantics.md §3.1, §11); KB-P41028 (proquiet 16: broker does not exist, §3.7)
# quote:
#   There is no server for database <dbname>. (1423)
# differs: nothing

file sports.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ proquiet sports enable
| There is no server for database sports. (1423)
[exit 16]

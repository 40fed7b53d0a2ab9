# A utility that needs the database while a broker serves it: 276
# source: PROTOP (semantics.md §1.4), KB-P19984
# quote:
#   ** The database /db/s2k is in use in multi-user mode. (276)
# differs: nothing (the database is named by its full path, as in the quote)

file s2k.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create s2k s2k.st
$ procopy empty s2k
$ proserve s2k
$ proutil {dir}/s2k -C busy
| ** The database /db/s2k is in use in multi-user mode. (276)
[exit 6]
$ proutil {dir}/s2k -C truncate bi
| ** The database /db/s2k is in use in multi-user mode. (276)
[exit 1]
$ proshut s2k -by

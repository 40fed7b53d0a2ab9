# rfutil -C aimage extent empty: a FULL extent (the oldest, without an argument) is marked EMPTY for reuse
# source: POTEMKIN (semantics.md §3.4 AIMAGE EXTENT EMPTY, §11)
# quote:
#   Marked after-image extent <name> EMPTY. (3789)
# differs: nothing; the extent is named by its full path as recorded in the control area [inferred]

file sports.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ rfutil sports -C mark backedup
$ rfutil sports -C aimage begin
$ rfutil sports -C aimage new
$ rfutil sports -C aimage new
$ rfutil sports -C aimage extent empty
| Marked after-image extent /db/sports.a1 EMPTY. (3789)
$ rfutil sports -C aimage extent empty 2
| Marked after-image extent /db/sports.a2 EMPTY. (3789)

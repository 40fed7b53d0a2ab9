# Every AI extent FULL and no -aistall: the broker cannot switch and shuts down
# source: KB-P154904 (semantics.md §4.4, §6.6 F19)
# quote:
#   Can't switch to after-image extent <path> it is full. (3773)
#   Database Server shutting down as a result of after-image extent switch failure. (5350)
#   Backup after-image extent and mark it as empty. (3774)
# differs: the lines carry the .lg prefix of §1.5; their severities (E, F, E) are [inferred] (§1.5 gives only the
#   letters)

file sports.st
| b .
| d "Schema Area":6,32;1 .
| a . f 128
| a . f 128
$ prostrct create sports sports.st
$ procopy empty sports
$ rfutil sports -C mark backedup
$ rfutil sports -C aimage begin
$ proserve sports
$ oeclient sports commit --count 400
[exit 1]
read sports.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 E BROKER 0: (3773) Can't switch to after-image extent /db/sports.a1 it is full.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 F BROKER 0: (5350) Database Server shutting down as a result of after-image extent switch failure.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 E BROKER 0: (3774) Backup after-image extent and mark it as empty.

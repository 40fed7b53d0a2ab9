# rfutil -C aimage list: one block per AI extent (status, type, path, size, used, start, last operation, sequence)
# source: PROTOP, real `rfutil -C aimage list` output of OpenEdge 11.7.2 (semantics.md §4.5)
# quote:
#   Extent:  1
#   Status:  Empty
#     Type:  Variable Length
#     Path:  /home/tom/tmp/s2k.a1
#     Size:  120
#     Used:  0
#    Start:  N/A
#   LastOp:  N/A
#    Seqno:  0
#
#   Extent:  3
#   Status:  Busy
#     Type:  Variable Length
#     Path:  /home/tom/tmp/s2k.a3
#     Size:  120
#     Used:  7
#    Start:  Thu Jun 14 14:51:42 2018
#   LastOp:  N/A
#    Seqno:  15
# differs: the quote leaves extent 2 out (`...` here); Size and Used (KB) are this database's (a fresh emulated extent
#   is smaller than 11.7.2's 120 KB [emulator simplification]); Seqno 3, not 15 (two switches since AIMAGE BEGIN);
#   LastOp: 11.7.2 prints N/A for the BUSY extent, the emulator prints its last open for output as 12.x does
#   (LastOp is a 12.x column, DOC 12.8: a different version)

file s2k.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
| a .
$ prostrct create s2k s2k.st
$ procopy empty s2k
$ rfutil s2k -C mark backedup
$ rfutil s2k -C aimage begin
$ rfutil s2k -C aimage new
$ rfutil s2k -C aimage new
$ oeclient s2k commit --count 3
$ rfutil s2k -C aimage extent empty 1
$ rfutil s2k -C aimage list
| Extent:  1
| Status:  Empty
|   Type:  Variable Length
|   Path:  /home/tom/tmp/s2k.a1
|   Size:  4
|   Used:  0
|  Start:  N/A
| LastOp:  N/A
|  Seqno:  0
|
| ...
| Extent:  3
| Status:  Busy
|   Type:  Variable Length
|   Path:  /home/tom/tmp/s2k.a3
|   Size:  5
|   Used:  1
|  Start:  Thu Jun 14 14:51:42 2018
| LastOp:  Thu Jun 14 14:51:42 2018
|  Seqno:  3
|

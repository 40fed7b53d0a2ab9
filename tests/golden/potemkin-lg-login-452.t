# A client's login and logout in the .lg, in the 10.1A+ line format
# source: POTEMKIN (several tools), semantics.md §1.5
# quote:
#   [2016/05/12@14:03:52.486+0400] P-1 T-1 I ABL 10: (452) Login by root on batch.
# differs: the client is user 1 (the emulator's broker has no servers or helpers holding lower user numbers
#   [emulator simplification]); 453's text is [inferred] (§1.5)

file sports.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports
$ proserve sports
$ oeclient sports commit --count 1
$ proshut sports -by
read sports.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I ABL 1: (452) Login by root on batch.
| ...

# A normal shutdown as the .lg records it: the shutdown request, the broker's lines, the end of the session
# source: KB-P42984 (shutdown message sequence in .lg), semantics.md §1.5 and §3.2
# quote:
#   SHUT 4: Server shutdown started by <user-id> on <tty>. (542)
#   BROKER 0: Begin normal shutdown (2248)
#   SRV 2: Stopped. (2520)
#   SRV 1: Logout usernum <num>, userid <name>, on <tty/node>. (739)
#   BROKER : Multi-user session end. (334)
# differs: no SRV lines: the emulator's broker serves its clients itself, it starts no servers (-Mn) that would
#   stop or log out [emulator simplification]; the shutdown process is user 1 (SHUT 4 at the KB's site, where
#   servers and helpers held the lower user numbers). The lines carry the 10.1A+ prefix of §1.5.

file sports.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports
$ proserve sports
$ proshut sports -by
| Server shutdown started by root on batch. (542)
| Multi-user session end. (334)
read sports.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I SHUT 1: (542) Server shutdown started by root on batch.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER 0: (2248) Begin normal shutdown
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER : (334) Multi-user session end.

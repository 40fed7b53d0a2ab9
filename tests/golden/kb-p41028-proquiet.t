# proquiet enable / disable on a served database: what proquiet prints, and the quiet point in the .lg
# source: KB-P41028 (5583), semantics.md §3.7 (5584 inferred; 5569/5570 POTEMKIN) and §1.5 (the .lg line format)
# quote:
#   Quiet point has been enabled by the broker. (5583)
#   Quiet point has been disabled by the broker.            (number NOT FOUND, probably 5584 [inferred])
#   Quiet point request login by <user> on <tty>. (5569)
#   Quiet point request logout by <user> on <tty>. (5570)
# differs: 5584 is the reference's inferred number; the .lg lines carry the prefix of §1.5 (process QUIET is
#   [inferred]); with AI enabled the enable forces a switch (3777/3778, §3.7) between login and 5583

file sports.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ rfutil sports -C mark backedup
$ rfutil sports -C aimage begin
$ proserve sports
$ proquiet sports enable
| Quiet point has been enabled by the broker. (5583)
$ proquiet sports disable
| Quiet point has been disabled by the broker. (5584)
$ proshut sports -by
read sports.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I QUIET 1: (5569) Quiet point request login by root on batch.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER 0: (3777) Switched to ai extent /db/sports.a2.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER 0: (3778) This is after-image file number 2 since the last AIMAGE BEGIN.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER 0: (5583) Quiet point has been enabled by the broker.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I QUIET 1: (5570) Quiet point request logout by root on batch.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I QUIET 1: (5569) Quiet point request login by root on batch.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER 0: (5584) Quiet point has been disabled by the broker.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I QUIET 1: (5570) Quiet point request logout by root on batch.
| ...

# rfutil -C sequence on an OS copy: the copy's expected AI sequence becomes the file busy when it was made
# source: KB-P102501 (proquiet + OS copy + rfutil sequence), semantics.md §1.5, §2.1, §3.4 SEQUENCE
# quote:
#   (12428) Ai sequence 1 changed to 1229
# differs: 1229 is 3 here: the copy was made after two AI switches (the KB's site had made 1228). The quote is the
#   .lg line's text; the emulator prints the same text on stdout, `<text> (12428)` as every numbered message.

file sports.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
| a .
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ rfutil sports -C mark backedup
$ rfutil sports -C aimage begin
$ rfutil sports -C aimage new
$ rfutil sports -C aimage new
copy sports.db sports.b1 sports.d1 sports.a1 sports.a2 sports.a3 sports.a4 > dr

host dr
file sports.st
| b {dir}/sports.b1
| d "Schema Area":6,32;1 {dir}/sports.d1
| a {dir}/sports.a1
| a {dir}/sports.a2
| a {dir}/sports.a3
| a {dir}/sports.a4
$ prostrct repair sports sports.st
$ rfutil sports -C sequence
| Ai sequence 1 changed to 3 (12428)
read sports.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I RFUTIL : (12428) Ai sequence 1 changed to 3
| ...

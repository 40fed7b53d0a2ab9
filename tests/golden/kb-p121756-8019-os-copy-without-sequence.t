# An OS copy restored without `rfutil -C sequence`: the first roll forward is refused with 8019
# source: KB-P121756 (semantics.md §2.1, §5.2 check 6, §6.6 F1); 11014 after it: BLOG-10.1B, KB-P111178
# quote:
#   Expected ai file number 1 but file specified is n+1 in sequence. (8019)
# differs: n+1 is 3 here (two AI switches on production before the copy); that 11014 follows 8019 is [inferred]
#   (§6.6 F1), in the form BLOG-10.1B shows after 833: `roll forward open <path> error: -1. (11014)`. Before them
#   the emulator prints the AI-disabled lines of a first roll forward (§5.3a): that a refused first roll forward
#   disables AI is confirmed (§6.6 F2); where its lines go is an emulator choice (rollforward.py), hence `...`

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
$ oeclient sports commit --count 2
$ rfutil sports -C aimage new
$ oeclient sports commit --count 2
$ rfutil sports -C aimage new
copy sports.db sports.b1 sports.d1 sports.a1 sports.a2 sports.a3 sports.a4 > dr
$ oeclient sports commit --count 2
$ rfutil sports -C aimage new
copy sports.a3 > dr

host dr
file sports.st
| b {dir}/sports.b1
| d "Schema Area":6,32;1 {dir}/sports.d1
| a {dir}/sports.a1
| a {dir}/sports.a2
| a {dir}/sports.a3
| a {dir}/sports.a4
$ prostrct repair sports sports.st
$ rfutil sports -C roll forward -a {dir}/sports.a3
| ...
| Expected ai file number 1 but file specified is 3 in sequence. (8019)
| roll forward open {dir}/sports.a3 error: -1. (11014)
[exit 1]

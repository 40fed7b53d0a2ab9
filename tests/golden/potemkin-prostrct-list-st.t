# The .st that prostrct list writes: one line per extent, in the structure file's own grammar
# source: POTEMKIN (a .st produced by prostrct list, semantics.md §1.2)
# quote:
#   b ./sports.b1
#   d "Schema Area":6,32;1 ./sports.d1
#   d "Info Area":7,32;1 ./sports_7.d1 f 320
#   a ./sports.a1
# differs: the paths: that database had been created with relative paths and kept them (semantics §1.2 says
#   so of the sample); prostrct create stores absolute paths (§1.2, confirmed), as the emulator does, so its list
#   names the directory ({dir}) where the sample has `.`: a different context, not a different format

file sports.st
| b .
| d "Schema Area":6,32;1 .
| d "Info Area":7,32;1 . f 320
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ prostrct list sports listed.st
read listed.st
| b {dir}/sports.b1
| d "Schema Area":6,32;1 {dir}/sports.d1
| d "Info Area":7,32;1 {dir}/sports_7.d1 f 320
| a {dir}/sports.a1

# The offline OS copy of KB-P115048, restored and rolled forward: the first roll forward disables after-imaging
# source: KB-P115048 "How to use an OS backup with after imaging enabled - post Progress 9.1E?" (semantics.md §5.3a,
#   the procedure §6.2 and §6.4)
# quote:
#   WARNING: ROLL FORWARD disables after-imaging. (663)
#   After this is complete, you should re-enable it. (648)
#   If you desire continued after-image protection (659)
#   After-image Extent Management has been disabled for the database. (13292)
#   After-image disabled. (846)
# The KB's database had AI File Management on, which is when 13292 is printed [inferred, §5.3a]: it is enabled here
#   before the copy is taken. The copy's second after-image file is switched offline (the notes written single-user),
#   so no broker's manager archives and empties it before it is copied. The lines before the block (the file's
#   dates and the notes applied, §5.1) are not part of the quote.

file sports.st
| b .
| d "Schema Area":6,32;1 .
| d "Data":7,32;1 .
| a .
| a .
| a .
$ prostrct create sports sports.st
$ procopy empty sports
$ rfutil sports -C mark backedup
$ rfutil sports -C aimage begin
$ rfutil sports -C aiarchiver enable -aiarcdir arch -aiarcdircreate
$ proserve sports -S 20000
$ oeclient sports commit --count 3
$ proshut sports -by
$ proutil sports -C truncate bi
$ rfutil sports -C aimage new
copy sports.db sports.b1 sports.d1 sports_7.d1 sports.a1 sports.a2 sports.a3 > dr
$ rfutil sports -C mark backedup
$ oeclient sports commit --count 3
$ rfutil sports -C aimage new
copy sports.a2 > dr

host dr
file sports.st
| b {dir}/sports.b1
| d "Schema Area":6,32;1 {dir}/sports.d1
| d "Data":7,32;1 {dir}/sports_7.d1
| a {dir}/sports.a1
| a {dir}/sports.a2
| a {dir}/sports.a3
$ prostrct repair sports sports.st
$ rfutil sports -C sequence
$ rfutil sports -C roll forward -a {dir}/sports.a2
| ...
| WARNING: ROLL FORWARD disables after-imaging. (663)
| After this is complete, you should re-enable it. (648)
| If you desire continued after-image protection (659)
| After-image Extent Management has been disabled for the database. (13292)
| After-image disabled. (846)

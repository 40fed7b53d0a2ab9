# Roll forward to a point in time: once the end time is reached, further roll forward is invalid
# source: KB-000041245 (semantics.md §5.5)
# quote:
#   Roll Forward to Mon Aug 16 14:56:00 2021 has been located, further roll forward operations are invalid. (17923)
# differs: nothing: the end time is the KB's own, which is before every transaction of this file, so nothing is
#   applied; the lines around it (the file's dates and notes, §5.1; the AI-disabled block, §5.3a) are not part
#   of the quote

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
copy sports.db sports.b1 sports.d1 sports.a1 sports.a2 sports.a3 > dr
$ oeclient sports commit --count 3
$ rfutil sports -C aimage new
copy sports.a1 > dr:archive

host dr
file sports.st
| b {dir}/sports.b1
| d "Schema Area":6,32;1 {dir}/sports.d1
| a {dir}/sports.a1
| a {dir}/sports.a2
| a {dir}/sports.a3
$ prostrct repair sports sports.st
$ rfutil sports -C roll forward endtime 2021:08:16:14:56:00 -a {dir}/archive/sports.a1
| ...
| Roll Forward to Mon Aug 16 14:56:00 2021 has been located, further roll forward operations are invalid. (17923)
| ...

# A restored copy that was started and updated before its roll forward: the dates do not match (831-833)
# source: BLOG-10.1B (real 10.1B rfutil output), semantics.md §5.2 check 7 and §6.6 F5
# quote:
#   ** The database was last changed Thu May 27 21:13:10 2010. (831)
#   ** The after-image file expected Tue May 25 21:00:04 2010. (832)
#   ** Those dates don't match, so you have the wrong copy of one of them. (833)
#   roll forward open D:\int_bkp\CopyAI\medman.a4 error: -1. (11014)
# differs: nothing after normalisation (the dates and the directory: the AI files are applied from a directory of
#   their own, CopyAI, as at the blog's site); the AI-disabled lines of a first roll
#   forward (§5.3a) come first in the emulator (an emulator choice, rollforward.py), hence `...`

file medman.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
| a .
| a .
| a .
$ prostrct create medman medman.st
$ procopy empty medman
$ rfutil medman -C mark backedup
$ rfutil medman -C aimage begin
$ rfutil medman -C aimage new
$ rfutil medman -C aimage new
$ rfutil medman -C aimage new
copy medman.db medman.b1 medman.d1 medman.a1 medman.a2 medman.a3 medman.a4 medman.a5 > dr
$ oeclient medman commit --count 2
$ rfutil medman -C aimage new
copy medman.a4 > dr:CopyAI

host dr
file medman.st
| b {dir}/medman.b1
| d "Schema Area":6,32;1 {dir}/medman.d1
| a {dir}/medman.a1
| a {dir}/medman.a2
| a {dir}/medman.a3
| a {dir}/medman.a4
| a {dir}/medman.a5
$ prostrct repair medman medman.st
$ rfutil medman -C sequence
$ proserve medman
$ oeclient medman commit --count 1
$ proshut medman -by
$ rfutil medman -C roll forward -a {dir}/CopyAI/medman.a4
| ...
| ** The database was last changed Thu May 27 21:13:10 2010. (831)
| ** The after-image file expected Tue May 25 21:00:04 2010. (832)
| ** Those dates don't match, so you have the wrong copy of one of them. (833)
| roll forward open D:\int_bkp\CopyAI\medman.a4 error: -1. (11014)
[exit 1]

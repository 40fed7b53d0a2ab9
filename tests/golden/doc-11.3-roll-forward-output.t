# What rfutil -C roll forward prints for one after-image file: the file's dates, then the notes applied
# source: DOC "Applying after-image files from a list" (11.3 example) with the trailer of KB-P19578 and POTEMKIN,
#   as semantics.md §5.1 gives them
# quote:
#   ***Beginning processing of After-image extent C:\OE113WRK\source_db.a1   (message 17047; exact punctuation unverified)
#   After-image dates for this after-image file: (1633)
#       Last AIMAGE BEGIN Mon Mar 18 18:12:06 2013 (1640)
#       Last AIMAGE NEW <date> (1641)                        <- absent for file #1 of a chain
#       This is aimage file number 1 since the last AIMAGE BEGIN. (1642)
#       This file was last opened for output on <date>. (1643)
#   10% of aimage file processed (964 notes applied)...   (progress lines, repeated)
#   ...
#   8932 notes were processed. (1634)
#   <n> in-flight transactions. (3785)
#   <n> transactions were started. (1635)
#   <n> transactions were completed. (11138)
#   At the end of the .ai file, <n> transactions were still active. (1636)
# differs: 17047 is printed as `<text> (17047)` like every numbered message (its punctuation is unverified);
#   no progress lines (the emulator's files are small: [inferred] that 10% steps are only printed for large
#   files); that the scan's trailer ends a roll forward too is [inferred] (§5.1); the counts are this file's.
#   The AI-disabled lines of a first roll forward (§5.3a) follow.

file source_db.st
| b .
| d "Schema Area":6,32;1 .
| a .
| a .
| a .
$ prostrct create source_db source_db.st
$ procopy empty source_db
$ rfutil source_db -C mark backedup
$ rfutil source_db -C aimage begin
copy source_db.db source_db.b1 source_db.d1 source_db.a1 source_db.a2 source_db.a3 > dr
$ oeclient source_db commit --count 3
$ rfutil source_db -C aimage new
copy source_db.a1 > dr

host dr
file source_db.st
| b {dir}/source_db.b1
| d "Schema Area":6,32;1 {dir}/source_db.d1
| a {dir}/source_db.a1
| a {dir}/source_db.a2
| a {dir}/source_db.a3
$ prostrct repair source_db source_db.st
$ rfutil source_db -C roll forward -a {dir}/source_db.a1
| ***Beginning processing of After-image extent C:\OE113WRK\source_db.a1 (17047)
| After-image dates for this after-image file: (1633)
|     Last AIMAGE BEGIN Mon Mar 18 18:12:06 2013 (1640)
|     This is aimage file number 1 since the last AIMAGE BEGIN. (1642)
|     This file was last opened for output on Mon Mar 18 18:12:06 2013. (1643)
| 3 notes were processed. (1634)
| 0 in-flight transactions. (3785)
| 3 transactions were started. (1635)
| 3 transactions were completed. (11138)
| At the end of the .ai file, 0 transactions were still active. (1636)
| ...

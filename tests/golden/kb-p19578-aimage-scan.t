# rfutil -C aimage scan of a FULL after-image file: its header dates, then what its notes hold
# source: KB-P19578 (aimage scan output, 9.1D06) and DOC "Applying after-image files from a list" (11.3), as
#   semantics.md §5.1 gives them; the totals 3785/1635/11138/1636 are confirmed for scan (§5.1)
# quote:
#   After-image dates for this after-image file: (1633)
#       Last AIMAGE BEGIN Mon Mar 18 18:12:06 2013 (1640)
#       Last AIMAGE NEW <date> (1641)                        <- absent for file #1 of a chain
#       This is aimage file number 1 since the last AIMAGE BEGIN. (1642)
#       This file was last opened for output on <date>. (1643)
#   8932 notes were processed. (1634)
#   <n> in-flight transactions. (3785)
#   <n> transactions were started. (1635)
#   <n> transactions were completed. (11138)
#   At the end of the .ai file, <n> transactions were still active. (1636)
# differs: the counts are this file's (three one-record transactions); file 2 is scanned, so 1641 is printed
#   (the quote's file 1 has none)

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
$ rfutil sports -C aimage new
$ oeclient sports commit --count 3
$ rfutil sports -C aimage new
$ rfutil sports -C aimage scan -a sports.a2
| After-image dates for this after-image file: (1633)
|     Last AIMAGE BEGIN Mon Mar 18 18:12:06 2013 (1640)
|     Last AIMAGE NEW Mon Mar 18 18:12:06 2013 (1641)
|     This is aimage file number 2 since the last AIMAGE BEGIN. (1642)
|     This file was last opened for output on Mon Mar 18 18:12:06 2013. (1643)
| 3 notes were processed. (1634)
| 0 in-flight transactions. (3785)
| 3 transactions were started. (1635)
| 3 transactions were completed. (11138)
| At the end of the .ai file, 0 transactions were still active. (1636)

# An extent from another copy of the database put beside the control area: the open is refused
# source: GEMINI bkmsg.h texts with POTEMKIN's numbers (semantics.md §1.1, §6.6 F17) [single-source]
# quote:
#   Creation date mismatch.
#   Extent %s has the wrong creation date %s,
#   Control Area has a creation date of %s.
#   (numbers 9214/9212/9216)
# differs: the quote is GEMINI's format strings, printed here with this run's path and dates and the numbers
#   POTEMKIN gives them, in the order GEMINI's list has them

file sports.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports

host dr
file sports.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports sports.st
$ procopy empty sports
copy sports.d1 > production

host production
$ proutil sports -C truncate bi
| Creation date mismatch. (9214)
| Extent /db/sports.d1 has the wrong creation date Thu May 27 21:13:10 2010, (9212)
| Control Area has a creation date of Thu May 27 21:13:10 2010. (9216)
[exit 1]

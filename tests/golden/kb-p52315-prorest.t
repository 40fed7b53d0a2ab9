# A full restore: what prorest prints, and what it writes to the .lg
# source: KB-P52315 (prorest log/stdout flow), semantics.md §3.6; the .lg line format of §1.5
# quote:
#   (.lg)   prorest session begin for <user> on <tty>. (451)
#   (.lg)   Full restore started. (1368)
#   (out)   This is a full backup of sports2000.db. (6759)
#   (out)   This backup was taken Tue Oct 4 11:41:32 2005. (6760)
#   (out)   The blocksize is 1024. (6994)
#   (out)   It will require a minimum of 4211 blocks to restore. (6763)
#   (.lg)   Full restore completed. (1369)
#   (.lg)   prorest session end. (334)
# differs: 4211 is 1 here, this database's blocks (five small records; the emulator counts data blocks only
#   [emulator simplification]); the restore is into a new database on another host (no overwrite prompt)

file sports2000.st
| b .
| d "Schema Area":6,32;1 .
$ prostrct create sports2000 sports2000.st -blocksize 1024
$ procopy empty sports2000
$ oeclient sports2000 commit --count 5
$ probkup sports2000 sports2000.bck
copy sports2000.bck > dr

host dr
$ prorest sports2000 sports2000.bck
| This is a full backup of sports2000.db. (6759)
| This backup was taken Tue Oct 4 11:41:32 2005. (6760)
| The blocksize is 1024. (6994)
| It will require a minimum of 1 blocks to restore. (6763)
read sports2000.lg
| ...
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I PROREST : (451) prorest session begin for root on batch.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I PROREST : (1368) Full restore started.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I PROREST : (1369) Full restore completed.
| [2016/05/12@14:03:52.486+0400] P-1 T-1 I PROREST : (334) prorest session end.

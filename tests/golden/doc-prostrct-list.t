# prostrct list: every area with its type, block size and extents, and the extents' recorded paths
# source: DOC "PROSTRCT LIST" display format (semantics.md §1.2)
# quote:
#   AreaName: ControlArea, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1
#      Ext # 1, Type VARIABLE, Size 32 KByte, Name: /user/joe/service.db
#   AreaName: Primary Recovery Area, Type 3, Block Size 8192, Extents 1
#   ...
# differs: nothing; the quote stops after the BI area's first line (`...` here)

file service.st
| b .
| d "Schema Area":6,32;1 .
| a .
$ prostrct create service service.st
$ procopy empty service
$ prostrct list service
| AreaName: ControlArea, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1
|    Ext # 1, Type VARIABLE, Size 32 KByte, Name: /user/joe/service.db
| AreaName: Primary Recovery Area, Type 3, Block Size 8192, Extents 1
| ...

# prostrct list of a database that is not there
# source: POTEMKIN (semantics.md §1.2)
# quote:
#   PROSTRCT LIST: file /usr/wrk/sports.db does not exist, command ignored. (6921)
# differs: nothing

$ prostrct list {dir}/sports
| PROSTRCT LIST: file /usr/wrk/sports.db does not exist, command ignored. (6921)
[exit 1]

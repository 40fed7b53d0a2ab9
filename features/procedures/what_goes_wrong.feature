@negative @restore
Feature: What goes wrong when a step of the DR runbook is skipped or done wrong
  Each scenario makes one mistake from the list of known failure modes (shared/openedge/semantics.md
  §6.6) and shows the message that proves OpenEdge catches it. A refused command changes no data, and
  the DBA can correct the mistake and carry on, with two exceptions OpenEdge documents: the first roll
  forward turns after-imaging off before it checks the file, so once it is refused the copy is spent and
  must be taken again (then rfutil -C sequence, then roll forward); and a database started or opened
  between two roll forwards must be rolled forward again from the copy (F5).

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production

  @8019 @offline @emulator_only
  Scenario: rfutil -C sequence skipped: the first roll forward is refused with 8019, and the copy is spent
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 1 but file specified is 2 in sequence. (8019)"
    And the output shows message 11014
    And the output shows message 663
    And after-imaging is disabled for "sports" on DR
    When I run `rfutil sports -C sequence` on DR
    Then it fails with message 90041
    And message 90041 reads "After-imaging is not enabled for database sports. (90041)"

  @8019 @emulator_only
  Scenario: rfutil -C sequence run after a successful first roll forward is refused
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                                                    |
      | prostrct repair sports sports.st                           |
      | rfutil sports -C sequence                                  |
      | rfutil sports -C roll forward -a archive/sports.2.sports.a2 |
    And I run `rfutil sports -C sequence` on DR
    Then it fails with message 90041
    And message 90041 reads "After-imaging is not enabled for database sports. (90041)"
    When I run `rfutil sports -C roll forward -a archive/sports.3.sports.a3` on DR
    Then it succeeds
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @offline
  Scenario: the standby started between two roll forwards: the next file fails the date check, retry too
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                                                    |
      | prostrct repair sports sports.st                           |
      | rfutil sports -C sequence                                  |
      | rfutil sports -C roll forward -a archive/sports.2.sports.a2 |
    # The mistake: the standby is started (and shut down, nothing updated) before every file is applied.
    And I run these commands on DR, each succeeding:
      | command            |
      | proserve sports    |
      | proshut sports -by |
    And I note the files of "sports" on DR
    And I run `rfutil sports -C roll forward -a archive/sports.3.sports.a3` on DR
    Then it fails with message 833
    And the output shows message 831
    And the output shows message 832
    And message 11014 reads "roll forward open archive/sports.3.sports.a3 error: -1. (11014)"
    When I run `rfutil sports -C roll forward retry -a archive/sports.3.sports.a3` on DR
    Then it fails with message 833
    And no file of "sports" on DR has changed
    And "sports" on DR holds exactly the data of "sports" on production up to transaction 15

  @8019
  Scenario: AI files applied out of order, twice, or with one missing are refused with 8019
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 4 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And 4 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And 4 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                             |
      | prostrct repair sports sports.st    |
      | rfutil sports -C sequence           |
    And I run `rfutil sports -C roll forward -a archive/sports.3.sports.a3` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 2 but file specified is 3 in sequence. (8019)"
    When I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    When I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 3 but file specified is 2 in sequence. (8019)"
    When I run `rfutil sports -C roll forward -a archive/sports.4.sports.a4` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 3 but file specified is 4 in sequence. (8019)"
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @offline
  Scenario: the AI switch forgotten before the copy: the file spanning the copy fails the date check
    When I run these commands on production, each succeeding:
      | command                       |
      | proshut sports -by            |
      | proutil sports -C truncate bi |
    And I copy every file of "sports" from production to DR
    And I run `proserve sports` on production
    And 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                          |
      | prostrct repair sports sports.st |
      | rfutil sports -C sequence        |
    And I run `rfutil sports -C roll forward -a archive/sports.1.sports.a1` on DR
    Then it fails with message 833
    And the output shows message 831
    And the output shows message 832
    And the output shows message 11014
    And "sports" on DR holds exactly the data of "sports" on production up to transaction 10

  @online @emulator_only
  Scenario: the database written to during the copy: the torn copy is refused when it is opened
    When I copy every file of "sports" from production to DR while 5 transactions commit between the files
    And I delete "sports.lk" on DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I note the files of "sports" on DR
    And I run `rfutil sports -C sequence` on DR
    Then it fails with message 90001
    And message 90001 reads "** The database sports is damaged: the control area (update 45) is newer than the before-image file (ends at 30); the files were copied while the database was being written. Restore it from a backup. (90001)"
    And no file of "sports" on DR has changed

  @online
  Scenario: the .lk left in the restored copy: every utility refuses the database
    When I copy every file of "sports" from production to DR
    And I run `proutil sports -C busy` on DR
    Then the exit status is 6
    And message 276 reads "** The database sports is in use in multi-user mode. (276)"
    When I run `proutil sports -C holder` on DR
    Then the exit status is 16
    When I run `proserve sports` on DR
    Then it fails with message 276
    And message 276 reads "** The database sports is in use in multi-user mode. (276)"
    When I run `rfutil sports -C sequence` on DR
    Then it fails with message 276
    And message 276 reads "** The database sports is in use in multi-user mode. (276)"

  @offline
  Scenario: relative paths in the .st, repaired from another directory, point at files that are not there
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When I write "sports.st" on DR listing every extent of "sports" with relative paths
    And I note the files of "sports" on DR
    And I run `prostrct repair ../sports ../sports.st` in "scripts" on DR
    Then it fails with message 43
    And message 43 reads "** Cannot find or open file {dir}/scripts/sports.d1, errno = 2. (43)"
    And no file of "sports" on DR has changed

  @offline
  Scenario: an extent missing from the copy is found by prostrct repair
    When I run these commands on production, each succeeding:
      | command                       |
      | proshut sports -by            |
      | proutil sports -C truncate bi |
      | rfutil sports -C aimage new   |
    And I copy every file of "sports" except "sports_7.d1" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I note the files of "sports" on DR
    And I run `prostrct repair sports sports.st` on DR
    Then it fails with message 43
    And message 43 reads "** Cannot find or open file {dir}/sports_7.d1, errno = 2. (43)"
    And no file of "sports" on DR has changed

  @8019
  Scenario: an AI file from another database, or from another baseline, fails the date check
    Given on production a database "other" with 2 fixed AI extents
    And after-imaging is enabled for "other" on production
    And an offline OS copy of "sports" was taken on production and copied to DR
    When 3 transactions are committed to "other" on production
    And I run `rfutil other -C aimage new` on production
    And I archive the full AI extents of "other" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                          |
      | prostrct repair sports sports.st |
      | rfutil sports -C sequence        |
    And I run `rfutil sports -C aimage new` on production
    And 2 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    And I note the files of "sports" on DR
    And I run `rfutil sports -C roll forward -a archive/other.1.other.a1` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 3 but file specified is 1 in sequence. (8019)"
    When 2 transactions are committed to "other" on production
    And I run `rfutil other -C aimage new` on production
    And I archive the full AI extents of "other" from production to DR
    And I run `rfutil other -C aimage new` on production
    And I archive the full AI extents of "other" from production to DR
    And I run `rfutil sports -C roll forward -a archive/other.3.other.a1` on DR
    Then it fails with message 833
    And no file of "sports" on DR has changed

  @emulator_only
  Scenario: a damaged AI file or an EMPTY extent is refused and changes nothing
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 6 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I flip a byte in "archive/sports.2.sports.a2" on DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run these commands on DR, each succeeding:
      | command                          |
      | prostrct repair sports sports.st |
      | rfutil sports -C sequence        |
    And I note the files of "sports" on DR
    And I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it fails with message 90054
    And message 90054 reads "After-image file archive/sports.2.sports.a2 is damaged: checksum mismatch in the note at offset 8971. (90054)"
    And the output shows message 11014
    When I run `rfutil sports -C roll forward -a sports.a4` on DR
    Then it fails with message 90050
    And message 90050 reads "Can't roll forward an empty after-image extent file (90050)"
    And no file of "sports" on DR has changed

@probkup @restore
Feature: The preferred procedure: probkup, prorest and roll forward without rfutil -C sequence
  Progress KB P115048: PROBKUP pairs the backup with an after-image switch and keeps the expected and
  current AI sequence aligned in the master block, so a database restored with PROREST rolls forward from
  the first AI file written after the backup, with no rfutil -C sequence. KB P121756 (rule 2): probkup
  adjusts the expected sequence of the database it backs up, so production's moves too, and an OS copy
  taken after a probkup expects the file that backup started. Incremental backups are restored after
  their full backup, in the order they were taken.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production

  @online
  Scenario: an online full backup under load, restored on DR and rolled forward to production's data
    When load runs against "sports" on production
    And I run `probkup online sports sports.bck` on production
    Then it succeeds
    And "sports" on production expects AI file 2 and is writing AI file 2
    When 5 transactions are committed to "sports" on production
    And the load is stopped
    Then the load committed transactions both before `probkup online sports sports.bck` began and after `probkup online sports sports.bck` ended
    When I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I copy "sports.bck" from production to DR
    And I run `prorest sports sports.bck` on DR
    Then it succeeds
    And the output shows message 6759
    And "sports" on DR expects AI file 2
    When I roll forward "sports" on DR with the archived AI files from sequence 2
    Then "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @online @os_copy @8019
  Scenario: probkup moves production's expected AI sequence, and an OS copy taken after it starts there
    Then "sports" on production expects AI file 1 and is writing AI file 1
    When I run `rfutil sports -C aimage new` on production
    Then "sports" on production expects AI file 1 and is writing AI file 2
    When I run `probkup online sports sports.bck` on production
    Then it succeeds
    And "sports" on production expects AI file 3 and is writing AI file 3
    When I archive the full AI extents of "sports" from production to DR
    And 5 transactions are committed to "sports" on production
    Given an offline OS copy of "sports" was taken on production and copied to DR
    When 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    Then it succeeds
    When I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    Then "sports" on DR expects AI file 3 and is writing AI file 4
    # rfutil -C sequence forgotten: the copy expects the file the backup started (3), not 1
    When I run `rfutil sports -C roll forward -a archive/sports.4.sports.a4` on DR
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 3 but file specified is 4 in sequence. (8019)"

  @offline @incremental
  Scenario: an offline full backup and two incrementals, restored in order and refused out of order
    When I run these commands on production, each succeeding:
      | command                         |
      | proshut sports -by              |
      | probkup sports full.bck         |
      | proserve sports                 |
    And 5 transactions are committed to "sports" on production
    And I run these commands on production, each succeeding:
      | command                                 |
      | proshut sports -by                      |
      | probkup sports incremental incr1.bck    |
      | proserve sports                         |
    And 5 transactions are committed to "sports" on production
    And I run these commands on production, each succeeding:
      | command                                 |
      | proshut sports -by                      |
      | probkup sports incremental incr2.bck    |
    And I copy "full.bck, incr1.bck, incr2.bck" from production to DR
    And I run `prorest sports full.bck` on DR
    Then it succeeds
    When I note the files of "sports" on DR
    And I run `prorest sports incr2.bck` on DR
    Then it fails with message 6774
    And no file of "sports" on DR has changed
    When I run these commands on DR, each succeeding:
      | command                   |
      | prorest sports incr1.bck  |
      | prorest sports incr2.bck  |
    Then "sports" on DR holds exactly the data of "sports" on production

  @offline
  Scenario: an offline backup after an AI switch rolls forward from the file the switch started
    When I run these commands on production, each succeeding:
      | command                         |
      | proshut sports -by              |
      | rfutil sports -C aimage new     |
      | probkup sports sports.bck       |
      | proserve sports                 |
    And 7 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I copy "sports.bck" from production to DR
    And I run `prorest sports sports.bck` on DR
    Then "sports" on DR expects AI file 2
    When I roll forward "sports" on DR with the archived AI files from sequence 2
    Then "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @negative @emulator_only
  Scenario: a damaged backup is caught by prorest -vp and -vf, and is not restored
    When I run `probkup online sports sports.bck` on production
    And I copy "sports.bck" from production to DR
    And I run `prorest sports sports.bck -vf` on DR
    Then it fails with message 43
    When I run `prorest sports sports.bck` on DR
    Then it succeeds
    When I run `prorest sports sports.bck -vf` on DR
    Then it succeeds
    When I note the files of "sports" on DR
    And I flip a byte in "sports.bck" on DR
    And I run `prorest sports sports.bck -vp` on DR
    Then it fails with message 90064
    When I run `prorest sports sports.bck -vf` on DR
    Then it fails with message 90064
    When I run `prorest sports sports.bck` on DR
    Then it fails with message 90064
    And no file of "sports" on DR has changed

@aimgt @probkup @restore
Feature: AI File Management: the broker archives every AI file and the DR host rolls the archive forward
  OpenEdge 10.1A and later (semantics §4.6): with AI File Management on, the broker's after-image manager
  copies every FULL extent to the archive directory as <db path with / as ~>~<db>.<seq>.<extent file>,
  records it in <db>.archival.log and marks the extent EMPTY, so nobody copies or empties AI extents by
  hand. An online probkup with enableaiarchiver turns it on without a shutdown. The DR host restores the
  backup and rolls forward every file of the archive directory, in the order of the sequence in the names;
  the first roll forward ends with KB-P115048's five lines, 13292 among them.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production

  Scenario: an online backup turns the archiver on under load; DR rolls the whole archive forward
    When load runs against "sports" on production
    And I run `probkup online sports sports.bck enableaiarchiver -aiarcdir arch -aiarcdircreate` on production
    Then it succeeds
    And the archiver has archived AI file 1 of "sports" on production
    When 5 transactions are committed to "sports" on production
    And the load is stopped
    And the archiver has archived every full AI file of "sports" on production
    And I run `rfutil sports -C aimage new` on production
    Then the archiver has archived every full AI file of "sports" on production
    When I copy "sports.bck" from production to DR
    And I copy the archive directory "arch" from production to DR
    And I run `prorest sports sports.bck` on DR
    Then it succeeds
    And "sports" on DR expects AI file 2
    When I roll forward "sports" on DR with every file in the archive directory "arch"
    Then it succeeds
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied
    And after-imaging is disabled for "sports" on DR

  Scenario: the first roll forward of a restored copy says AI File Management is off
    When I run `probkup online sports sports.bck enableaiarchiver -aiarcdir arch -aiarcdircreate` on production
    And 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    Then the archiver has archived AI file 2 of "sports" on production
    And the archive directory "arch" on production holds AI files 1 to 2 of "sports"
    When I run `rfutil sports -C aimage extent empty` on production
    Then it fails with message 13216
    When I copy "sports.bck" from production to DR
    And I copy the archive directory "arch" from production to DR
    And I run `prorest sports sports.bck` on DR
    And I roll forward "sports" on DR with every file in the archive directory "arch"
    Then it succeeds
    And message 13292 reads "After-image Extent Management has been disabled for the database. (13292)"
    And the output shows message 846

  @negative @8019
  Scenario: a file missing from the archive stops the roll forward at the gap (8019)
    When I run `probkup online sports sports.bck enableaiarchiver -aiarcdir arch -aiarcdircreate` on production
    And the archiver has archived AI file 1 of "sports" on production
    And 3 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And the archiver has archived AI file 2 of "sports" on production
    And 3 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And the archiver has archived AI file 3 of "sports" on production
    And 3 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    Then the archiver has archived AI file 4 of "sports" on production
    When I copy "sports.bck" from production to DR
    And I copy the archive directory "arch" from production to DR
    And I delete the archive of AI file 3 of "sports" from "arch" on DR
    And I run `prorest sports sports.bck` on DR
    And I roll forward "sports" on DR with every file in the archive directory "arch"
    Then it fails with message 8019
    And message 8019 reads "Expected ai file number 3 but file specified is 4 in sequence. (8019)"

  @negative @emulator_only
  Scenario: rolling forward the extent production is still writing is refused
    When I run `probkup online sports sports.bck enableaiarchiver -aiarcdir arch -aiarcdircreate` on production
    And 3 transactions are committed to "sports" on production
    And I run `cp sports.a2 busy.a2` on production
    And I copy "sports.bck" from production to DR
    And I copy "busy.a2" from production to DR
    And I run `prorest sports sports.bck` on DR
    And I run `rfutil sports -C roll forward -a busy.a2` on DR
    Then it fails with message 90057
    And "sports" on DR expects AI file 2

  @negative @docker_only
  Scenario: the archive directory fills up and there is no second directory (13198)
    When I run `proshut sports -by` on production
    And I run `rfutil sports -C aiarchiver enable -aiarcdir arch -aiarcdircreate` on production
    Then it succeeds
    When production's disk has only 64 KB free
    And I run `proserve sports` on production
    And 3 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    Then the database log of "sports" on production shows message 13198
    And AI extent 1 of "sports" on production is FULL
    And the archive directory "arch" on production holds no AI file of "sports"

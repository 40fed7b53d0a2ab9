@offline @os_copy @restore
Feature: Offline OS copy with after-imaging (OpenEdge 9.1E and later)
  Progress KB P115048. With the database shut down and its BI truncated, switch to a new after-image
  file so the copy is not taken in the middle of one, copy every file, mark the database backed up and
  restart it. On the DR host the copy is repaired to its new paths, told which AI file it must expect
  (rfutil -C sequence), and rolled forward with every AI file written after the switch, in order.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 20 transactions are committed to "sports" on production

  Scenario: take the copy offline, restore it on the DR host and roll it forward to production's data
    When I run these commands on production, each succeeding:
      | command                        |
      | proshut sports -by             |
      | proutil sports -C truncate bi  |
      | rfutil sports -C aimage new    |
    And I copy every file of "sports" from production to DR
    And I run these commands on production, each succeeding:
      | command                        |
      | rfutil sports -C mark backedup |
      | proserve sports                |
    And 15 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And 10 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    Then "sports" on DR expects AI file 1 and is writing AI file 2
    When I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    Then it succeeds
    When I run `rfutil sports -C sequence` on DR
    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"
    And "sports" on DR expects AI file 2 and is writing AI file 2
    When I roll forward "sports" on DR with the archived AI files from sequence 2
    Then "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied
    And after-imaging is disabled for "sports" on DR

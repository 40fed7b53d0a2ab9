@online @os_copy @quiet_point @restore
Feature: Online OS copy under a quiet point, with load running throughout
  Progress KB P115048 and P102501. proquiet enable waits for in-flight transactions to finish, holds new
  ones, and switches to a new after-image file so the copy starts on a clean AI boundary. The copy of
  every file (the .lk included: the database is open) is taken while writers wait; proquiet disable lets
  them go on. On the DR host the copy is an open database: after the .lk is removed and the structure
  repaired, its first open runs crash recovery, then it rolls forward from the file the quiet point
  switched to. proquiet enable nolock does not switch: the file busy at the quiet point holds notes from
  before the copy and after it, and is applied with roll forward retry (DOC, KB P115048), then the rest.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production

  Scenario: copy under a quiet point while clients keep committing, then restore and roll forward
    When load runs against "sports" on production at 200 transactions a second
    And I run `proquiet sports enable` on production
    Then it succeeds
    And "sports" on production expects AI file 1 and is writing AI file 2
    When I copy every file of "sports" from production to DR
    And I run `proquiet sports disable` on production
    Then it succeeds
    When 5 transactions are committed to "sports" on production
    And the load is stopped
    Then the load committed transactions both before `proquiet sports enable` began and after `proquiet sports disable` ended
    And the load committed nothing between `proquiet sports enable` and `proquiet sports disable`
    When I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I delete "sports.lk" on DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C sequence` on DR
    Then message 12428 reads "Ai sequence 1 changed to 2 (12428)"
    When I roll forward "sports" on DR with the archived AI files from sequence 2
    Then "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @retry
  Scenario: copy under a nolock quiet point: the file busy at the quiet point is finished with roll forward retry
    When load runs against "sports" on production at 200 transactions a second
    And I run `proquiet sports enable nolock` on production
    Then it succeeds
    And "sports" on production expects AI file 1 and is writing AI file 1
    When I copy every file of "sports" from production to DR
    And I run `proquiet sports disable` on production
    Then it succeeds
    When 5 transactions are committed to "sports" on production
    And the load is stopped
    Then the load committed transactions both before `proquiet sports enable nolock` began and after `proquiet sports disable` ended
    And the load committed nothing between `proquiet sports enable nolock` and `proquiet sports disable`
    When I run `rfutil sports -C aimage new` on production
    And 5 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I delete "sports.lk" on DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C sequence` on DR
    Then message 12428 reads "Ai sequence 1 changed to 1 (12428)"
    # No switch at a nolock quiet point: file 1 holds notes from before the copy and after it.
    When I run `rfutil sports -C roll forward -a archive/sports.1.sports.a1` on DR
    Then it fails with message 833
    When I run `rfutil sports -C roll forward retry -a archive/sports.1.sports.a1` on DR
    Then it succeeds
    When I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    And "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

  @negative
  Scenario: proquiet refuses a second enable and a disable that is not needed
    When I run `proquiet sports disable` on production
    Then the exit status is 7
    When I run `proquiet sports enable` on production
    And I run `proquiet sports enable` on production
    Then the exit status is 6
    When I run `proquiet sports disable` on production
    Then it succeeds

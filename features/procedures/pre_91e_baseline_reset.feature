@offline @os_copy @pre_91e @restore
Feature: Pre-9.1E baseline reset: aimage end, copy, mark backedup, aimage begin
  Before rfutil -C sequence existed (9.1E / 10.0B01), an OS copy was made a roll-forward baseline by
  ending after-imaging, copying, marking the database backed up and beginning after-imaging again: the
  new chain starts at AI file 1, which is what the copy expects (KB P121756; the same pattern as the
  PROCOPY hot spare of KB 000047338). No rfutil -C sequence is needed, or possible: the copy has
  after-imaging disabled.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 3 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 12 transactions are committed to "sports" on production

  @emulator_only
  Scenario: reset the baseline, copy, and roll the new chain forward from file 1
    When I run these commands on production, each succeeding:
      | command                        |
      | proshut sports -by             |
      | proutil sports -C truncate bi  |
      | rfutil sports -C aimage end    |
    And I copy every file of "sports" from production to DR
    And I run these commands on production, each succeeding:
      | command                        |
      | rfutil sports -C mark backedup |
      | rfutil sports -C aimage begin  |
      | proserve sports                |
    And 9 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    Then after-imaging is disabled for "sports" on DR
    And "sports" on DR expects AI file 1
    When I run `rfutil sports -C sequence` on DR
    Then it fails with message 90041
    When I roll forward "sports" on DR with the archived AI files from sequence 1
    Then "sports" on DR holds exactly the data of "sports" on production as of the last AI file applied

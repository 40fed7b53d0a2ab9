@point_in_time @restore
Feature: Point-in-time recovery with endtime and endtrans
  rfutil -C roll forward endtime yyyy:mm:dd:hh:mm:ss applies only the transactions that ended before that
  time; endtrans n applies those up to, not including, transaction n (KB 000041245). When the point is
  reached OpenEdge prints 17923 and any further roll forward is invalid.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 3 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production
    And an offline OS copy of "sports" was taken on production and copied to DR

  @emulator_only
  Scenario: roll forward to a time between two batches of transactions
    When 10 transactions are committed to "sports" on production
    And I run `proshut sports -by` on production
    And 10 transactions are committed to "sports" on production 2 hours later
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C sequence` on DR
    And I run `rfutil sports -C roll forward endtime {time after transaction 20 of sports} -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    And the output shows message 17923
    And "sports" on DR holds exactly the data of "sports" on production up to transaction 20
    When I run `rfutil sports -C roll forward -a archive/sports.2.sports.a2` on DR
    Then it fails with message 17923

  Scenario: roll forward up to a transaction
    When 10 transactions are committed to "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And I write "sports.st" on DR listing every extent of "sports" with its full path
    And I run `prostrct repair sports sports.st` on DR
    And I run `rfutil sports -C sequence` on DR
    And I run `rfutil sports -C roll forward endtrans {transaction 16 of sports} -a archive/sports.2.sports.a2` on DR
    Then it succeeds
    And the output shows message 17923
    And "sports" on DR holds exactly the data of "sports" on production up to transaction 15

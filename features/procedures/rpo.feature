@rpo @probkup @restore
Feature: What the plan loses: RPO measured from the data when production dies mid-load
  Production's client acknowledges every commit; the harness keeps that ledger. Then production is lost (its
  files are gone: nothing more can be copied from it), and the DR host recovers from what it was sent before.
  The DR database is compared with the ledger: the acknowledged transactions lost, and how long before the
  disaster the last recovered one committed. How often AI files leave production sets the bound: a nightly
  copy alone loses the whole day; `rfutil -C aimage new` and an archive shipped every N minutes lose at most
  N minutes; the AI archiver in timed mode switches and archives every -aiarcinterval seconds by itself.
  The times are measured where the scenario runs: on the emulator they are the emulator's, not OpenEdge's.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 10 transactions are committed to "sports" on production

  Scenario: AI files shipped only with the nightly copy: everything since the copy is lost (at most a day)
    When I run `probkup online sports sports.bck` on production
    And I copy "sports.bck" from production to DR
    And load runs against "sports" on production
    And production is lost
    And I run `prorest sports sports.bck` on DR
    And I run `proserve sports` on DR
    Then it succeeds
    And acknowledged transactions are lost
    And at most 1440 minutes of acknowledged transactions are lost
    And the DR database serves within 10 minutes of the disaster

  Scenario: aimage new and an archive shipped every 5 minutes: what the busy extent held is lost (at most 5 minutes)
    When I run `probkup online sports sports.bck` on production
    And I copy "sports.bck" from production to DR
    And load runs against "sports" on production
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And production is lost
    And I run `prorest sports sports.bck` on DR
    And I roll forward "sports" on DR with the archived AI files from sequence 2
    And I run `proserve sports` on DR
    Then it succeeds
    And acknowledged transactions are lost
    And at most 5 minutes of acknowledged transactions are lost
    And the DR database serves within 10 minutes of the disaster

  Scenario: writes stopped, the last AI file switched and shipped before the loss: nothing acknowledged is lost
    When I run `probkup online sports sports.bck` on production
    And I copy "sports.bck" from production to DR
    And load runs against "sports" on production
    And the load is stopped
    And I run `rfutil sports -C aimage new` on production
    And I archive the full AI extents of "sports" from production to DR
    And production is lost
    And I run `prorest sports sports.bck` on DR
    And I roll forward "sports" on DR with the archived AI files from sequence 2
    And I run `proserve sports` on DR
    Then it succeeds
    And no acknowledged transaction is lost
    And the DR database serves within 10 minutes of the disaster

  Scenario: the AI archiver in timed mode (-aiarcinterval 120) and its directory shipped: at most 5 minutes lost
    When I run `probkup online sports sports.bck enableaiarchiver -aiarcdir arch -aiarcinterval 120 -aiarcdircreate` on production
    And I copy "sports.bck" from production to DR
    And load runs against "sports" on production
    And the archiver has archived AI file 2 of "sports" on production
    And I copy the archive directory "arch" from production to DR
    And production is lost
    And I run `prorest sports sports.bck` on DR
    And I roll forward "sports" on DR with every file in the archive directory "arch"
    And I run `proserve sports` on DR
    Then it succeeds
    And acknowledged transactions are lost
    And at most 5 minutes of acknowledged transactions are lost
    And the DR database serves within 10 minutes of the disaster

@docker_only @online
Feature: The production host loses power in the middle of the load
  `docker kill` stops every process of the production host at once, the broker and its clients included,
  as a power cut does; the disk keeps what was written. The .lk of the dead broker is still there, so
  proutil -C busy still reports the database in use (it reads the .lk alone, KB-000035390). Starting the
  database again finds the broker gone, runs crash recovery, and every transaction a client saw committed
  is still there: a client's acknowledgement is a promise the database must keep.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 20 transactions are committed to "sports" on production

  Scenario: production killed mid-load, then crash recovery keeps every acknowledged transaction
    When clients keep committing to "sports" on production
    And the production host is killed once 30 transactions are acknowledged
    And I run `proutil sports -C busy` on production
    Then the production host does not answer
    When the production host is started again
    And I run `proutil sports -C busy` on production
    Then the exit status is 6
    When I run `proserve sports` on production
    Then it succeeds
    And every transaction the clients saw committed is in "sports" on production
    When 5 transactions are committed to "sports" on production
    Then it succeeds

@docker_only @online
Feature: The production host freezes and comes back
  `docker pause` freezes every process of the production host where it stands, as a hung hypervisor or a
  VM snapshot does. Nothing can be run there while it is frozen. A frozen host is not a crashed one: when
  it resumes, the broker is still serving, its clients carry on, and no transaction is lost.

  Background:
    Given a production host and a DR host
    And on production a database "sports" with 4 fixed AI extents
    And after-imaging is enabled for "sports" on production
    And "sports" is served on production
    And 20 transactions are committed to "sports" on production

  Scenario: production frozen mid-load carries on where it stood once resumed
    When clients keep committing to "sports" on production
    And the production host is paused once 10 transactions are acknowledged
    And I run `proutil sports -C busy` on production
    Then the production host does not answer
    When the production host is resumed
    And the clients stop once 20 more transactions are acknowledged
    And I run `proutil sports -C busy` on production
    Then the exit status is 6
    And every transaction the clients saw committed is in "sports" on production

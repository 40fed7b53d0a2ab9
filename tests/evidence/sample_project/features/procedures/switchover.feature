Feature: Switch the users over to the DR host
  After the roll forward, the DR database is opened and the clients connect to it.

  @docker_only
  Scenario: the clients reconnect to the DR host
    Given the production database "sports" with after-imaging enabled
    When the clients are pointed at dr
    Then the clients can commit on dr

  Scenario: the DR broker starts with the site's licence
    Given the production database "sports" with after-imaging enabled
    When dr shows its licence
    And dr starts the broker with the password "hunter2"
    Then the broker is running on dr

  Scenario: a step nobody has written yet
    Given the production database "sports" with after-imaging enabled
    When the DBA does something no step defines
    Then the clients can commit on dr

@dr
Feature: Roll forward after-image files on the DR host
  The DR host restores last night's full backup, then applies every full AI extent
  copied from production, in sequence. An AI file applied out of sequence is refused
  with message 8019, and the DR database cannot be brought up to date.

  Background:
    Given the production database "sports" with after-imaging enabled

  Scenario: apply the AI files in sequence
    When production takes a full backup
    And production switches AI extents 2 times
    And the backup and the AI files are copied to dr
    And dr restores the backup
    And dr rolls forward AI sequence 1
    And dr rolls forward AI sequence 2
    Then dr has applied AI sequence 2

  @out_of_sequence
  Scenario: apply an AI file out of sequence
    When production takes a full backup
    And production switches AI extents 2 times
    And the backup and the AI files are copied to dr
    And dr restores the backup
    And dr rolls forward AI sequence 2
    Then dr has applied AI sequence 2

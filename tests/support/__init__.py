"""What several test modules share: scenario set-ups and helpers too particular for
`sandbox.factories`. Test modules import from here or from `sandbox`, never from each other."""

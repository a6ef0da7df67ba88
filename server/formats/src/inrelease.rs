//! OpenPGP checks of InRelease / Release.gpg against an archive keyring, with apt's policy.

# Stand-in for the bitwarden.ps1 that Bitwarden's Windows guide downloads into C:\Bitwarden;
# only its place beside bwdata matters to the tests.

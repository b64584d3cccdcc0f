"""Moving province (外省转入, issue 21): a trainee who moved asks to bring earlier years' hours.
A certificate of this platform is checked at once (transfers/own_certificates.py); every other
proof is reviewed by a bureau officer of the trainee's current region, whose accepted lines
become credit records with basis ``transfer`` (one per line, learning.entries)."""

"""Everything the society holds about a member, for the member (PIPL art. 45: access and
copy): ``sections`` gathers it, one function per app; ``render`` writes it as JSON
(stable keys) and as a readable PDF."""

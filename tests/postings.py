"""Short postings shared by the table tests (Parquet, DataFrames): one of each role."""

PROJECT = ("You will own the project plan and the budget, lead the delivery team, keep the risk "
           "register and send weekly status reports to the steering group until go-live.")
PRODUCT = ("You will interview customers, analyse usage data, decide which features we build next, "
           "own the roadmap and check after each release that users adopt what we shipped.")

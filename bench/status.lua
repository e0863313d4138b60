-- wrk: one waiting browser polling its place (ticket and browser id from the environment).
wrk.method = "GET"
wrk.path = "/api/gates/identity/status"
wrk.headers["Orderly-Ticket"] = os.getenv("TICKET")
wrk.headers["Cookie"] = "orderly_bid=" .. os.getenv("BID")

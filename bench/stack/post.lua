-- wrk script for POST /api/v1/users (bench/stack/run.mjs passes it with -s)
wrk.method = "POST"
wrk.body = '{"email":"ada@example.com","password":"correct-horse-battery","full_name":"Ada Lovelace"}'
wrk.headers["Content-Type"] = "application/json"

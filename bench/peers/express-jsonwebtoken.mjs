// @ts-check
/**
 * Reference: a minimal Express 5 app with the middleware most tutorials copy: the Bearer token
 * from the Authorization header, `jsonwebtoken.verify(token, secret, callback)`, 401/403 on failure.
 *
 *   PORT=3000 JWT_SECRET=… node bench/peers/express-jsonwebtoken.mjs
 */
import express from 'express'
import jwt from 'jsonwebtoken'

const secret = String(process.env.JWT_SECRET)
const app = express()

/** @type {import('express').RequestHandler} */
function authenticateToken (req, res, next) {
  const authHeader = req.headers.authorization
  const token = authHeader && authHeader.split(' ')[1]
  if (token == null) return res.sendStatus(401)
  jwt.verify(token, secret, (err, user) => {
    if (err) return res.sendStatus(403)
    res.locals.user = user
    next()
  })
}

app.get('/protected/hello', authenticateToken, (req, res) => {
  res.json({ message: 'Hello from a protected route', user_id: res.locals.user.sub })
})

app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1')

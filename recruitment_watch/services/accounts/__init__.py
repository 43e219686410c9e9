"""People's accounts on the web: passwords, login with lockout, revocable sessions, the TOTP second factor with
recovery codes, invitations, and the security events all of them record. Built from maintained libraries
(argon2-cffi, PyOTP, segno); nothing here hand-rolls cryptography."""

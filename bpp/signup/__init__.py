"""Worker sign-up (issue 16): skilled workers apply themselves on a phone-first page (bpp/signup/static), proving
their phone with an OTP; district staff work the verification queue (bpp/staff/signup_api.py) until an approved
applicant, police-verified, is a worker who may go online."""

// GOV.UK Frontend's body classes, set before anything renders (loaded by a <script src> at the top of <body>).
// A file, not an inline script, so the Content-Security-Policy allows script from 'self' only.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');

"""Amazon Cognito identity pools (cognito-identity): records, linking rules, the backend, the wire layer."""

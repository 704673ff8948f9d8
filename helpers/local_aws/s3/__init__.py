"""Amazon S3 as the local AWS adds to moto's: cross-origin resource sharing as S3 evaluates it."""

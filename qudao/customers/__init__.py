"""Customer identity: what makes two customer names one customer. `matching` takes a Chinese
company name apart and scores two customers; `keys` derives the candidate-index keys from the
same normalisation; `models.keys` holds the key kinds and the fields every candidate index of
customers shares (the registrations' and the projects' indexes)."""

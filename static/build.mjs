// Placeholder: replaced by the front-end build (sass + GOV.UK Frontend assets).

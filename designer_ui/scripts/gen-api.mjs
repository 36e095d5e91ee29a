// Placeholder until the typed client step: replaced in the next commit.
console.log('gen:api not wired yet')

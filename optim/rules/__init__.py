"""Update rules, one module per optimizer family, each flavor in its library's own arithmetic."""

-- Filters for every document, run right after reading and before the format's filters.
-- The worker (nufa_cli/pandoc_worker.lua) sets the global NUFA = {lang = "nb-NO", ...}.

-- The reader extensions already keep raw markup out of the document; this is the second
-- lock: anything raw that still gets through is shown as text, never passed on as code.
local no_raw = {
  RawBlock = function(raw) return pandoc.CodeBlock(raw.text) end,
  RawInline = function(raw) return pandoc.Code(raw.text) end,
}

-- Pandoc's DOCX writer prints "…" whatever the language and typst picks its own marks;
-- write the Norwegian ones in both formats so DOCX and PDF agree.
local QUOTE_MARKS = {
  nb = { "«", "»", "‘", "’" },
  nn = { "«", "»", "‘", "’" },
  no = { "«", "»", "‘", "’" },
}

local quotes = {
  Quoted = function(quoted)
    local marks = QUOTE_MARKS[NUFA.lang:match("^(%a+)")]
    if not marks then return nil end
    local first = quoted.quotetype == "DoubleQuote" and 1 or 3
    local result = pandoc.Inlines({ pandoc.Str(marks[first]) })
    result:extend(quoted.content)
    result:insert(pandoc.Str(marks[first + 1]))
    return result
  end,
}

-- Grid tables take their column widths from the dashes, relative to a 72-character
-- line, so a narrow source table would print narrow. Every table with explicit widths
-- spans the full text width instead, keeping the proportions.
local full_width = {
  Table = function(tbl)
    local total = 0
    for _, spec in ipairs(tbl.colspecs) do
      local width = spec[2]
      if type(width) ~= "number" then return nil end
      total = total + width
    end
    if total <= 0 or total >= 0.999 then return nil end
    for i, spec in ipairs(tbl.colspecs) do
      tbl.colspecs[i] = { spec[1], spec[2] / total }
    end
    return tbl
  end,
}

-- A sak's title in the saksliste and the referat (::: {.sak}, in a table cell) is the sak's
-- heading, so a reader navigates the document by its saker: a level-1 heading with class
-- "sak", which each format's filter gives the look of the bold line it was.
local sak_headings = {
  Div = function(div)
    if div.classes:includes("sak") then
      local inlines = pandoc.utils.blocks_to_inlines(div.content, { pandoc.LineBreak() })
      return pandoc.Header(1, inlines, { class = "sak" })
    end
  end,
}

-- A link stays clickable only to the web, to an e-mail address or within the document:
-- javascript:, file:, data: or a path on the reader's disk would run or open what the
-- author chose. Others keep their text (nufa check refuses them: link-scheme).
local function allowed(target)
  local lower = target:lower()
  return target:sub(1, 1) == "#" or lower:match("^https?://") ~= nil
    or lower:match("^mailto:") ~= nil
end

local safe_links = {
  Link = function(link)
    if allowed(link.target) then return nil end
    return link.content
  end,
}

return { no_raw, quotes, full_width, sak_headings, safe_links }

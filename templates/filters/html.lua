-- Filters for pandoc's HTML writer, run after common.lua: a document's text as an HTML
-- fragment that nufa site lays out in its own pages (templates/site/document.html.j2).
-- The page gives the landmarks, the language and the links around it; here the
-- document classes of templates/MARKDOWN.md become plain, accessible HTML, and whatever
-- user text could do in a browser beyond being text is taken away.

-- The title first, as the page's one h1; the document's own headings one level below it.
local function title_heading(div)
  return pandoc.Header(1, pandoc.utils.blocks_to_inlines(div.content, { pandoc.LineBreak() }))
end

-- The header block is label | value pairs: a description list says so, where a table
-- without header cells would leave a screen reader guessing.
local function docheader_list(div)
  local items = {}
  div:walk({
    Table = function(tbl)
      for _, body in ipairs(tbl.bodies) do
        for _, row in ipairs(body.body) do
          local cells = row.cells
          if #cells >= 2 then
            local term = pandoc.utils.blocks_to_inlines(cells[1].contents)
            table.insert(items, { term, { cells[2].contents } })
          end
        end
      end
    end,
  })
  return pandoc.Div({ pandoc.DefinitionList(items) }, { class = "docheader" })
end

local document_classes = {
  Pandoc = function(doc)
    local title, rest = nil, pandoc.Blocks({})
    for _, block in ipairs(doc.blocks) do
      if title == nil and block.t == "Div" and block.classes:includes("doctitle") then
        title = title_heading(block)
      else
        rest:insert(block)
      end
    end
    if title ~= nil then rest:insert(1, title) end
    doc.blocks = rest
    return doc
  end,
}

local shifted_headings = {
  Header = function(header)
    header.level = math.min(6, header.level + 1)
    return header
  end,
}

local blocks = {
  Div = function(div)
    if div.classes:includes("pagebreak") then return {} end
    if div.classes:includes("docheader") then return docheader_list(div) end
  end,
}

-- User Markdown may carry attributes ({.class style="..."}): in a browser a class of the
-- site's style sheet or a style could hide or move text. Only the classes the site styles
-- stay, and an image's size.
local KEPT_CLASSES = { docheader = true, innslag = true, sak = true }
local KEPT_ATTRIBUTES = { Image = { width = true, height = true } }

local function clean(element)
  local kept = KEPT_ATTRIBUTES[element.t] or {}
  local classes = pandoc.List({})
  for _, class in ipairs(element.classes) do
    if KEPT_CLASSES[class] then classes:insert(class) end
  end
  local attributes = {}
  for key, value in pairs(element.attributes) do
    if kept[key] then attributes[key] = value end
  end
  element.attr = pandoc.Attr(element.identifier, classes, attributes)
  return element
end

-- A link goes to an address on the web, a mail address or a place in the page; any other
-- (javascript:, data:, a file beside the sources) is left as its text.
local function safe_target(target)
  return target:match("^https?://") or target:match("^mailto:") or target:match("^#")
end

local attributes = {
  Div = clean, Span = clean, Header = clean, Code = clean, CodeBlock = clean,
  Table = clean, Figure = clean, Image = clean,
  Link = function(link)
    if not safe_target(link.target) then return link.content end
    return clean(link)
  end,
}

-- Header cells name their column for screen readers.
local tables = {
  Table = function(tbl)
    for _, row in ipairs(tbl.head.rows) do
      for _, cell in ipairs(row.cells) do cell.attributes.scope = "col" end
    end
    return tbl
  end,
}

-- Headings shift before the title becomes the h1.
return { shifted_headings, document_classes, blocks, attributes, tables }
